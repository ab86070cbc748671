import { DataTypes, type QueryInterface } from "sequelize";
import { createTable, timestamps } from "./helpers";

/** The store's data, users, API keys, the change log and the audit log. */
export async function up(qi: QueryInterface) {
  const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
  const ref = (table: string, allowNull = true, onDelete = "SET NULL") => ({
    type: DataTypes.INTEGER,
    allowNull,
    references: { model: table, key: "id" },
    onDelete,
  });

  await createTable(qi, "store_settings", {
    id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    name: { type: DataTypes.STRING(200), allowNull: false },
    time_zone: { type: DataTypes.STRING(64), allowNull: false },
    currency: { type: DataTypes.STRING(3), allowNull: false },
    locale: { type: DataTypes.STRING(16), allowNull: false },
    ...timestamps(),
  });

  await createTable(qi, "users", {
    id,
    email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    role: { type: DataTypes.STRING(16), allowNull: false },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    locale: { type: DataTypes.STRING(16), allowNull: true },
    notify_by_email: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    last_login_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex("users", ["role"]);

  await createTable(qi, "api_keys", {
    id,
    name: { type: DataTypes.STRING(200), allowNull: false },
    prefix: { type: DataTypes.STRING(24), allowNull: false },
    key_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    scopes: { type: DataTypes.STRING(500), allowNull: false },
    created_by_id: ref("users"),
    last_used_at: { type: DataTypes.DATE(3), allowNull: true },
    revoked_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps(),
  });

  await createTable(qi, "customer_groups", {
    id,
    name: { type: DataTypes.STRING(100), allowNull: false, unique: true },
    ...timestamps(),
  });

  await createTable(qi, "tags", {
    id,
    name: { type: DataTypes.STRING(100), allowNull: false, unique: true },
    ...timestamps(),
  });

  await createTable(qi, "customers", {
    id,
    external_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    first_name: { type: DataTypes.STRING(100), allowNull: true },
    last_name: { type: DataTypes.STRING(100), allowNull: true },
    // lower-cased "first last" and "last first", so a prefix search and a sort by name use an
    // index and behave the same for Cyrillic and Greek on both databases
    search_name: { type: DataTypes.STRING(201), allowNull: false, defaultValue: "" },
    sort_name: { type: DataTypes.STRING(201), allowNull: false, defaultValue: "" },
    email: { type: DataTypes.STRING(254), allowNull: true },
    phone: { type: DataTypes.STRING(32), allowNull: true },
    country: { type: DataTypes.STRING(2), allowNull: true },
    city: { type: DataTypes.STRING(100), allowNull: true },
    birthday: { type: DataTypes.DATEONLY, allowNull: true },
    registered_at: { type: DataTypes.DATE(3), allowNull: true },
    accepts_marketing: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    customer_group_id: ref("customer_groups"),
    manager_id: ref("users"),
    locale: { type: DataTypes.STRING(16), allowNull: true },
    first_interaction_at: { type: DataTypes.DATE(3), allowNull: true },
    last_interaction_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps(),
  });
  for (const column of ["email", "phone", "search_name", "sort_name", "country", "city", "customer_group_id", "manager_id", "registered_at"]) {
    await qi.addIndex("customers", [column]);
  }

  await createTable(qi, "customer_tags", {
    customer_id: { ...ref("customers", false, "CASCADE"), primaryKey: true },
    tag_id: { ...ref("tags", false, "CASCADE"), primaryKey: true },
  });
  await qi.addIndex("customer_tags", ["tag_id", "customer_id"]);

  await createTable(qi, "custom_fields", {
    id,
    key: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    label: { type: DataTypes.STRING(200), allowNull: false },
    type: { type: DataTypes.STRING(16), allowNull: false },
    options: { type: DataTypes.TEXT, allowNull: true },
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps(),
  });

  await createTable(qi, "customer_field_values", {
    customer_id: { ...ref("customers", false, "CASCADE"), primaryKey: true },
    custom_field_id: { ...ref("custom_fields", false, "CASCADE"), primaryKey: true },
    value_text: { type: DataTypes.STRING(1000), allowNull: true },
    value_number: { type: DataTypes.DOUBLE, allowNull: true },
    value_date: { type: DataTypes.DATEONLY, allowNull: true },
  });
  await qi.addIndex("customer_field_values", ["custom_field_id"]);

  await createTable(qi, "registration_questions", {
    id,
    key: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    text: { type: DataTypes.STRING(500), allowNull: false },
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestamps(),
  });

  await createTable(qi, "registration_options", {
    id,
    question_id: ref("registration_questions", false, "CASCADE"),
    key: { type: DataTypes.STRING(64), allowNull: false },
    label: { type: DataTypes.STRING(200), allowNull: false },
    position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps(),
  });
  await qi.addIndex("registration_options", ["question_id", "key"], { unique: true });

  await createTable(qi, "registration_answers", {
    customer_id: { ...ref("customers", false, "CASCADE"), primaryKey: true },
    option_id: { ...ref("registration_options", false, "CASCADE"), primaryKey: true },
    question_id: ref("registration_questions", false, "CASCADE"),
    answered_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("registration_answers", ["question_id", "option_id"]);

  await createTable(qi, "channel_identities", {
    id,
    customer_id: ref("customers", false, "CASCADE"),
    channel: { type: DataTypes.STRING(16), allowNull: false },
    address: { type: DataTypes.STRING(254), allowNull: true },
    is_subscribed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    subscription_changed_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex("channel_identities", ["customer_id", "channel"], { unique: true });
  await qi.addIndex("channel_identities", ["channel", "address"]);

  await createTable(qi, "categories", {
    id,
    external_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    parent_id: ref("categories", true, "RESTRICT"),
    // "/1/4/9/": the ids from the root down to this category, for subtree lookups
    path: { type: DataTypes.STRING(255), allowNull: false, defaultValue: "/" },
    ...timestamps(),
  });
  await qi.addIndex("categories", ["parent_id"]);

  await createTable(qi, "products", {
    id,
    external_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(300), allowNull: false },
    category_id: ref("categories", true, "SET NULL"),
    ...timestamps(),
  });
  await qi.addIndex("products", ["category_id"]);

  await createTable(qi, "product_variants", {
    id,
    external_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    product_id: ref("products", false, "CASCADE"),
    name: { type: DataTypes.STRING(300), allowNull: false },
    sku: { type: DataTypes.STRING(100), allowNull: true },
    price: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    ...timestamps(),
  });
  await qi.addIndex("product_variants", ["product_id"]);

  await createTable(qi, "orders", {
    id,
    external_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    customer_id: ref("customers", false, "CASCADE"),
    status: { type: DataTypes.STRING(16), allowNull: false },
    total: { type: DataTypes.BIGINT, allowNull: false },
    currency: { type: DataTypes.STRING(3), allowNull: false },
    placed_at: { type: DataTypes.DATE(3), allowNull: false },
    ...timestamps(),
  });
  await qi.addIndex("orders", ["customer_id", "placed_at"]);
  await qi.addIndex("orders", ["placed_at"]);

  await createTable(qi, "order_items", {
    id,
    order_id: ref("orders", false, "CASCADE"),
    product_id: ref("products", true, "SET NULL"),
    variant_id: ref("product_variants", true, "SET NULL"),
    // the product's category when the order was placed: what "ordered from category" asks about
    category_id: ref("categories", true, "SET NULL"),
    quantity: { type: DataTypes.INTEGER, allowNull: false },
    price: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex("order_items", ["order_id"]);
  await qi.addIndex("order_items", ["product_id"]);
  await qi.addIndex("order_items", ["category_id"]);

  await createTable(qi, "abandoned_carts", {
    id,
    external_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    customer_id: ref("customers", false, "CASCADE"),
    abandoned_at: { type: DataTypes.DATE(3), allowNull: false },
    value: { type: DataTypes.BIGINT, allowNull: false },
    currency: { type: DataTypes.STRING(3), allowNull: false },
    recovered_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex("abandoned_carts", ["customer_id"]);

  // Append-only: every write to a customer's data adds a row in the same transaction. The segment
  // engine tails it by id; the customer page reads it as the history timeline.
  await createTable(qi, "customer_changes", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    customer_id: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    fields: { type: DataTypes.TEXT, allowNull: true },
    source: { type: DataTypes.STRING(16), allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("customer_changes", ["customer_id", "id"]);

  await createTable(qi, "audit_log", {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true, allowNull: false },
    user_id: ref("users"),
    api_key_id: ref("api_keys"),
    action: { type: DataTypes.STRING(64), allowNull: false },
    target_type: { type: DataTypes.STRING(32), allowNull: true },
    target_id: { type: DataTypes.STRING(64), allowNull: true },
    detail: { type: DataTypes.TEXT, allowNull: true },
    ip: { type: DataTypes.STRING(64), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("audit_log", ["created_at"]);
  await qi.addIndex("audit_log", ["target_type", "target_id"]);

  await createTable(qi, "idempotency_keys", {
    id,
    api_key_id: ref("api_keys", false, "CASCADE"),
    key: { type: DataTypes.STRING(128), allowNull: false },
    request_hash: { type: DataTypes.STRING(64), allowNull: false },
    status: { type: DataTypes.INTEGER, allowNull: false },
    response: { type: qi.sequelize.getDialect() === "mysql" ? DataTypes.TEXT("long") : DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex("idempotency_keys", ["api_key_id", "key"], { unique: true });
  await qi.addIndex("idempotency_keys", ["created_at"]);

  await createTable(qi, "imports", {
    id,
    user_id: ref("users"),
    file_name: { type: DataTypes.STRING(255), allowNull: false },
    file_path: { type: DataTypes.STRING(500), allowNull: false },
    file_size: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    status: { type: DataTypes.STRING(16), allowNull: false },
    encoding: { type: DataTypes.STRING(32), allowNull: true },
    delimiter: { type: DataTypes.STRING(4), allowNull: true },
    header: { type: DataTypes.TEXT, allowNull: true },
    mapping: { type: DataTypes.TEXT, allowNull: true },
    total_rows: { type: DataTypes.INTEGER, allowNull: true },
    processed_rows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_rows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    updated_rows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    error_rows: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    error_report_path: { type: DataTypes.STRING(500), allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    finished_at: { type: DataTypes.DATE(3), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex("imports", ["user_id"]);
}
