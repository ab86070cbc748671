// The outbox channel on the test database: the stored row, and its place in the caller's transaction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { addCustomers } from "../../test/customers/factory";
import { createOutboxSender, isOutboxSender } from "./outbox.server";

describe(`the outbox channel on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const at = new Date("2026-03-01T09:30:00.000Z");
  let ivan = 0;
  beforeAll(async () => {
    db = await createTestDatabase();
    [ivan] = await addCustomers(db, [{ externalId: "ivan", firstName: "Иван", email: "ivan@example.bg" }]);
  });
  afterAll(() => db.drop());

  it("stores the message as 'stored' with its channel, purpose, recipient, customer, delivery and parts; the id is outbox-<row>", async () => {
    const sender = createOutboxSender(db, "email", { clock: () => at });
    expect(isOutboxSender(sender)).toBe(true);
    const result = await sender.send({
      deliveryKey: `campaign-3-customer-${ivan}`,
      deliveryId: 41,
      customerId: ivan,
      to: "ivan@example.bg",
      message: { channel: "email", subject: "Отстъпка", html: "<p>Здравей, Иван</p>", text: "Здравей, Иван" },
    });
    const row = (await db.models.OutboxMessage.findOne({ where: { deliveryId: 41 }, raw: true }))!;
    expect(result).toEqual({ provider: "outbox", providerMessageId: `outbox-${row.id}` });
    expect(row).toMatchObject({
      channel: "email",
      purpose: "campaign",
      recipient: "ivan@example.bg",
      customerId: ivan,
      userId: null,
      subject: "Отстъпка",
      htmlBody: "<p>Здравей, Иван</p>",
      textBody: "Здравей, Иван",
      status: "stored",
      providerMessageId: `outbox-${row.id}`,
    });
    expect(new Date(row.createdAt).toISOString()).toBe(at.toISOString());
  });

  it("an SMS keeps its text and no subject or HTML", async () => {
    const sender = createOutboxSender(db, "sms", { purpose: "test" });
    const { providerMessageId } = await sender.send({ deliveryKey: "test-sms-1", to: "+359888000111", message: { channel: "sms", text: "Код: 1234" } });
    const row = (await db.models.OutboxMessage.findOne({ where: { providerMessageId }, raw: true }))!;
    expect(row).toMatchObject({ channel: "sms", purpose: "test", recipient: "+359888000111", subject: null, htmlBody: null, textBody: "Код: 1234", deliveryId: null, customerId: null });
  });

  it("inside the caller's transaction: rolled back with it, the message is not in the outbox", async () => {
    const sender = createOutboxSender(db, "viber");
    const before = await db.models.OutboxMessage.count();
    await expect(
      db.sequelize.transaction(async (transaction) => {
        await sender.send({ deliveryKey: "campaign-9-customer-1", deliveryId: 77, to: "viber-user==", message: { channel: "viber", text: "Hi" } }, transaction);
        expect(await db.models.OutboxMessage.count({ where: { deliveryId: 77 }, transaction })).toBe(1);
        throw new Error("the delivery could not be marked sent");
      }),
    ).rejects.toThrow("could not be marked sent");
    expect(await db.models.OutboxMessage.count()).toBe(before);
  });

  it("committed with the caller's transaction, it is there", async () => {
    const sender = createOutboxSender(db, "messenger");
    await db.sequelize.transaction(async (transaction) => {
      await sender.send({ deliveryKey: "campaign-9-customer-2", deliveryId: 78, to: "1234567890", message: { channel: "messenger", text: "Hi" } }, transaction);
    });
    expect(await db.models.OutboxMessage.count({ where: { deliveryId: 78, status: "stored" } })).toBe(1);
  });
});
