export { verifyLogin, getActiveUser, createUser } from "../../models/users.server";
