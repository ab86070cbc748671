// The customer list and customer page reach their data through here (docs/decisions/0002).
export { listCustomers } from "../../models/customers/list.server";
export { countCustomers } from "../../models/customers/count.server";
export { getCustomerFilterOptions } from "../../models/customers/filter-options.server";
export { getCustomerPage } from "../../models/customers/page.server";
export { storeCountry } from "../../models/customers/store-country";
export { displayPhone } from "../../models/customers/phone-display";
export { readPrefilledCriteria } from "../../models/customers/list-segment.server";
export { listCustomerCampaigns } from "../../campaigns/customer-history.server";
