// checkTemplate and smsParts: no database, so the same on both dialects.
import { describe, expect, it } from "vitest";
import { checkTemplate } from "./check";
import { createEngines } from "./engine";
import { sampleContext } from "./context";
import { prepareTemplate, renderMessage, textFromHtml } from "./message";
import { MESSENGER_MAX_CHARACTERS, SMS_MAX_PARTS, VIBER_MAX_CHARACTERS, smsParts } from "./limits";
import { readFileSync } from "node:fs";
import { CONTEXT_SHAPE, TEMPLATE_VARIABLES, variableKey } from "./variables";
import type { TemplateInput } from "./types";
import { inRequestScope } from "../../models/request-scope.server";
import "../../models/i18n.server";

const sms = (textBody: string): TemplateInput => ({ channel: "sms", textBody });
const email = (htmlBody: string, subject = "Hello {{ customer.first_name }}"): TemplateInput => ({ channel: "email", subject, htmlBody });

describe("checkTemplate", () => {
  it("passes a template that uses every documented variable", () => {
    const html = [
      "<p>Hi {{ customer.first_name }} {{ customer.last_name }} ({{ customer.name }}, {{ customer.email }}, {{ customer.phone }})</p>",
      "<p>{{ customer.country }} {{ customer.city }} {{ customer.birthday | date: '%e %B' }} {{ customer.registered_at }} {{ customer.external_id }} {{ customer.group }}</p>",
      "<p>{{ fields.loyalty_level }} {{ fields['shoe size'] }}</p>",
      "{% if last_order %}<p>#{{ last_order.number }} {{ last_order.status }} {{ last_order.total }} {{ last_order.total_amount | plus: 1 }} {{ last_order.currency }} {{ last_order.placed_at }}</p>",
      "<ul>{% for item in last_order.items %}<li>{{ item.name }} {{ item.variant }} {{ item.category }} {{ item.quantity }} × {{ item.price }}</li>{% endfor %}</ul>",
      "{{ last_order.items.size }} {{ last_order.items.first.name }} {{ last_order.items[0].price }}{% endif %}",
      "<p>{{ store.name }} {{ store.currency }} {{ today }} <a href='{{ unsubscribe_url }}'>Unsubscribe</a></p>",
    ].join("\n");
    expect(checkTemplate(email(html))).toEqual([]);
  });

  it("names the field, line and variable of an unknown variable, and suggests the near one", () => {
    const problems = checkTemplate(email("<p>Hello</p>\n<p>{{ customer.frist_name }}</p>"));
    expect(problems).toEqual([
      {
        field: "htmlBody",
        line: 2,
        variable: "customer.frist_name",
        message: 'HTML body, line 2: unknown variable "customer.frist_name". Did you mean customer.first_name?',
      },
    ]);
  });

  it("finds an unknown variable inside a branch the sample customer would not take", () => {
    const problems = checkTemplate(sms("Hi\n{% if customer.first_name == 'nobody' %}\n{{ customer.nickname }}\n{% endif %}"));
    expect(problems.map((p) => [p.field, p.line, p.variable])).toEqual([["textBody", 3, "customer.nickname"]]);
  });

  it("finds an unknown property of a loop item by rendering the sample customer", () => {
    const problems = checkTemplate(sms("{% for item in last_order.items %}\n{{ item.title }}{% endfor %}"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: "textBody", line: 2, variable: "item.title" });
    expect(problems[0].message).toContain("SMS text, line 2");
  });

  it("an unknown top-level name is a problem too", () => {
    expect(checkTemplate(sms("{{ custmer.first_name }}"))[0]).toMatchObject({ line: 1, variable: "custmer.first_name" });
  });

  it("refuses properties from the prototype (own properties only)", () => {
    expect(checkTemplate(sms("{{ customer.constructor }}"))[0]).toMatchObject({ variable: "customer.constructor" });
    expect(checkTemplate(sms("{{ customer.first_name.__proto__ }}"))).toHaveLength(1);
  });

  it("checks custom field keys against the store's when it has them", () => {
    const template = sms("{{ fields.loyalty_level }}\n{{ fields['shoe size'] }}");
    expect(checkTemplate(template, { fieldKeys: ["loyalty_level", "shoe size"] })).toEqual([]);
    const problems = checkTemplate(template, { fieldKeys: ["loyalty_level"] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: "textBody", line: 2 });
    expect(problems[0].message).toContain('no custom field with the key "shoe size"');
  });

  it("names an unknown filter with its line", () => {
    const problems = checkTemplate({ channel: "email", subject: "Hi", htmlBody: "<p>a</p>\n\n<p>{{ customer.first_name | shout }}</p>" });
    expect(problems).toEqual([{ field: "htmlBody", line: 3, variable: null, message: 'HTML body, line 3: unknown filter "shout".' }]);
  });

  it("reports a syntax error with its line", () => {
    const problems = checkTemplate(sms("Hi {{ customer.first_name }}\n{% if customer.city %}\nin {{ customer.city }}"));
    expect(problems).toHaveLength(1);
    expect(problems[0].field).toBe("textBody");
    expect(problems[0].line).toBe(2);
    expect(problems[0].message).toMatch(/^SMS text, line 2: syntax error: /);
    const unclosed = checkTemplate(email("<p>{{ customer.first_name </p>", "Hi"));
    expect(unclosed[0]).toMatchObject({ field: "htmlBody", line: 1 });
  });

  it("refuses include, render and layout: a template reads no file", () => {
    for (const tag of ["include 'header'", "render 'footer'", "layout 'base'", "include '/etc/passwd'", "liquid\n include 'header'"]) {
      const problems = checkTemplate(sms(`Hello\n{% ${tag} %}`));
      expect(problems, tag).toHaveLength(1);
      // the line of the tag itself, inside a {% liquid %} block too
      expect(problems[0]).toMatchObject({ field: "textBody", line: 2 + tag.split("\n").length - 1 });
      expect(problems[0].message).toContain("templates cannot read files");
    }
  });

  it("stops a loop that would not end in time, and a range too large for memory", () => {
    const slow = checkTemplate(sms("Hi\n{% for a in (1..5000) %}{% for b in (1..5000) %}{{ a }}{% endfor %}{% endfor %}"), { renderMs: 50 });
    expect(slow).toHaveLength(1);
    expect(slow[0].message).toContain("took longer than 50 ms");
    const huge = checkTemplate(sms("{% for a in (1..1000000000) %}x{% endfor %}"));
    expect(huge).toHaveLength(1);
    expect(huge[0].message).toContain("builds too much");
  });

  it("refuses a template longer than the parser takes", () => {
    expect(checkTemplate(sms("a".repeat(600_000)))).toEqual([
      { field: "textBody", line: null, variable: null, message: "SMS text: the template is longer than 500000 characters." },
    ]);
  });

  it("an email needs a subject and an HTML body or a text part", () => {
    expect(checkTemplate({ channel: "email", subject: " ", htmlBody: "", textBody: null }).map((p) => [p.field, p.message])).toEqual([
      ["subject", "Subject: an email needs a subject."],
      ["htmlBody", "HTML body: an email needs an HTML body or a text part."],
    ]);
    expect(checkTemplate({ channel: "email", subject: "Hi", textBody: "Plain only" })).toEqual([]);
  });

  it("an SMS, Messenger or Viber message needs its text", () => {
    expect(checkTemplate({ channel: "viber", textBody: "" })).toEqual([{ field: "textBody", line: null, variable: null, message: "Viber text: the message is empty." }]);
  });

  it("refuses the raw filter in an HTML body, where it would let a customer's data in unescaped", () => {
    const problems = checkTemplate(email("<p>{{ customer.first_name | raw }}</p>"));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain("raw filter is not allowed in the HTML body");
    expect(checkTemplate(sms("{{ customer.first_name | raw }}"))).toEqual([]);
  });

  it("holds SMS to ten parts, Messenger to 2000 and Viber to 7000 characters", () => {
    expect(checkTemplate(sms("a".repeat(153 * SMS_MAX_PARTS)))).toEqual([]);
    const long = checkTemplate(sms("a".repeat(153 * SMS_MAX_PARTS + 1)));
    expect(long).toHaveLength(1);
    expect(long[0]).toMatchObject({ field: "textBody", line: null });
    expect(long[0].message).toContain("11 parts");
    // the sample customer's values count: 10 parts of Cyrillic are 670 characters
    expect(checkTemplate(sms("Здравей, {{ customer.first_name }}! " + "я".repeat(600)))).toEqual([]);
    expect(checkTemplate(sms("Здравей, {{ customer.first_name }}! " + "я".repeat(700)))[0].message).toContain("UCS-2");

    expect(checkTemplate({ channel: "messenger", textBody: "x".repeat(MESSENGER_MAX_CHARACTERS) })).toEqual([]);
    expect(checkTemplate({ channel: "messenger", textBody: "x".repeat(MESSENGER_MAX_CHARACTERS + 1) })[0].message).toBe(
      "Messenger text: the Messenger message for the sample customer is 2001 characters; Messenger takes at most 2000. Shorten the text.",
    );
    // an emoji is one character to Messenger
    expect(checkTemplate({ channel: "messenger", textBody: "🎉".repeat(MESSENGER_MAX_CHARACTERS) })).toEqual([]);
    expect(checkTemplate({ channel: "viber", textBody: "x".repeat(VIBER_MAX_CHARACTERS) })).toEqual([]);
    expect(checkTemplate({ channel: "viber", textBody: "x".repeat(VIBER_MAX_CHARACTERS - 10) + "{{ customer.first_name }}!!!!!!" })[0].message).toContain(
      "Viber message for the sample customer is 7001 characters",
    );
  });
});

describe("smsParts", () => {
  it("Latin text is GSM-7: 160 characters in one part, then 153 a part", () => {
    expect(smsParts("Hello Maria, your order has shipped.")).toEqual({ characters: 36, encoding: "GSM-7", parts: 1 });
    expect(smsParts("a".repeat(160))).toEqual({ characters: 160, encoding: "GSM-7", parts: 1 });
    expect(smsParts("a".repeat(161))).toEqual({ characters: 161, encoding: "GSM-7", parts: 2 });
    expect(smsParts("a".repeat(306))).toMatchObject({ parts: 2 });
    expect(smsParts("a".repeat(307))).toMatchObject({ parts: 3 });
  });

  it("Bulgarian Cyrillic is UCS-2: 70 characters in one part, then 67 a part", () => {
    expect(smsParts("Здравей, Мария! Поръчката ви е изпратена.")).toEqual({ characters: 41, encoding: "UCS-2", parts: 1 });
    expect(smsParts("я".repeat(70))).toEqual({ characters: 70, encoding: "UCS-2", parts: 1 });
    expect(smsParts("я".repeat(71))).toEqual({ characters: 71, encoding: "UCS-2", parts: 2 });
    expect(smsParts("я".repeat(134))).toMatchObject({ parts: 2 });
    expect(smsParts("я".repeat(135))).toMatchObject({ parts: 3 });
    // one Cyrillic letter makes a Latin message UCS-2
    expect(smsParts("a".repeat(100) + "ж")).toEqual({ characters: 101, encoding: "UCS-2", parts: 2 });
  });

  it("Greek is UCS-2, though the capitals GSM-7 borrows (Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ) stay GSM-7", () => {
    expect(smsParts("Γεια σας, η παραγγελία σας στάλθηκε.")).toMatchObject({ encoding: "UCS-2", parts: 1 });
    expect(smsParts("ΔΦΓΛΩ")).toEqual({ characters: 5, encoding: "GSM-7", parts: 1 });
  });

  it("GSM-7's extension characters (€ { }) take two characters each", () => {
    expect(smsParts("Price: 5€")).toEqual({ characters: 10, encoding: "GSM-7", parts: 1 });
    expect(smsParts("{}")).toEqual({ characters: 4, encoding: "GSM-7", parts: 1 });
    expect(smsParts("€".repeat(80))).toEqual({ characters: 160, encoding: "GSM-7", parts: 1 });
    expect(smsParts("€".repeat(81))).toEqual({ characters: 162, encoding: "GSM-7", parts: 2 });
  });

  it("an empty text is no part at all", () => {
    expect(smsParts("")).toEqual({ characters: 0, encoding: "GSM-7", parts: 0 });
  });
});

describe("rendering", () => {
  const engines = createEngines({ locale: "en", localNow: "2025-01-15T10:00:00" });
  const render = (input: TemplateInput, name: string) => {
    const prepared = prepareTemplate(input, engines, null);
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const context = { ...sampleContext([]), unsubscribe_url: "https://shop.test/u/1?a=1&b=2" };
    context.customer = { ...context.customer, first_name: name };
    const out = renderMessage(prepared.template, engines, context);
    if (!out.ok) throw new Error(JSON.stringify(out.problem));
    return out.message;
  };

  it("escapes variables in the HTML body, and only there", () => {
    const name = `<script>alert("x")</script> & <b>Co</b>`;
    const message = render({ channel: "email", subject: "Hi {{ customer.first_name }}", htmlBody: "<p>Hi {{ customer.first_name | upcase }}</p><a href=\"{{ unsubscribe_url }}\">out</a>" }, name);
    expect(message.html).toBe('<p>Hi &lt;SCRIPT&gt;ALERT(&#34;X&#34;)&lt;/SCRIPT&gt; &amp; &lt;B&gt;CO&lt;/B&gt;</p><a href="https://shop.test/u/1?a=1&amp;b=2">out</a>');
    expect(message.subject).toBe(`Hi ${name}`);
    // the text made from the escaped HTML reads as the name was written
    expect(message.text).toContain(`Hi <SCRIPT>ALERT("X")</SCRIPT> & <B>CO</B>`);
    // a marketer's own escape filter does not escape twice, in an output or an assign
    const own = render({ channel: "email", subject: "x", htmlBody: "{{ customer.first_name | escape }}|{% assign n = customer.first_name | escape %}{{ n }}" }, "Tom & Jerry");
    expect(own.html).toBe("Tom &amp; Jerry|Tom &amp; Jerry");
    const text = render({ channel: "sms", textBody: "Hi {{ customer.first_name }}" }, name);
    expect(text.text).toBe(`Hi ${name}`);
  });

  it("makes the email's text part from its HTML when the text is left empty, and keeps a written one", () => {
    const html = "<h1>Spring sale</h1><p>Hi {{ customer.first_name }},<br>20% off <b>everything</b>.</p><img src='logo.png' alt='Logo'><p><a href='https://shop.test/sale'>Shop now</a></p>";
    const made = render({ channel: "email", subject: "Sale", htmlBody: html, textBody: "" }, "Maria");
    expect(made.text).toBe("SPRING SALE\n\nHi Maria,\n20% off everything.\n\nShop now [https://shop.test/sale]");
    const written = render({ channel: "email", subject: "Sale", htmlBody: html, textBody: "Hi {{ customer.first_name }}, 20% off." }, "Maria");
    expect(written.text).toBe("Hi Maria, 20% off.");
    expect(textFromHtml("<p><a href='https://x.test'>https://x.test</a></p>")).toBe("https://x.test");
  });

  it("gives an email the one-click unsubscribe headers, and keeps the subject on one line", () => {
    const message = render({ channel: "email", subject: "Hi\n{% if customer.first_name %}\n{{ customer.first_name }}{% endif %}", htmlBody: "<p>x</p>" }, "Maria");
    expect(message.subject).toBe("Hi Maria");
    expect(message.headers).toEqual({ "List-Unsubscribe": "<https://shop.test/u/1?a=1&b=2>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });

  it("reads dates in the store's language without shifting the day, and 'now' is the time given", () => {
    const bg = createEngines({ locale: "bg", localNow: "2025-03-01T08:00:00" });
    const out = bg.plain.parseAndRenderSync("{{ d | date: '%e %B %Y' }} / {{ 'now' | date: '%d.%m.%Y %H:%M' }}", { d: "1990-05-17" });
    expect(out).toBe("17 май 1990 / 01.03.2025 08:00");
  });
});

describe("the variable reference", () => {
  it("documents every variable of the context once, each with a description and an example", () => {
    const names = TEMPLATE_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    const said = (JSON.parse(readFileSync(new URL("../../app/locales/en/campaigns.json", import.meta.url), "utf8")) as { variables: Record<string, string> }).variables;
    for (const v of TEMPLATE_VARIABLES) expect(said[variableKey(v.name)]?.length ?? 0, v.name).toBeGreaterThan(5);
    const sample = sampleContext([]);
    expect(Object.keys(CONTEXT_SHAPE).sort()).toEqual(Object.keys(sample).sort());
    const shape = CONTEXT_SHAPE.customer;
    expect(shape.kind === "object" && Object.keys(shape.props).sort()).toEqual(Object.keys(sample.customer).sort());
    const order = CONTEXT_SHAPE.last_order;
    expect(order.kind === "object" && Object.keys(order.props).sort()).toEqual(Object.keys(sample.last_order!).sort());
  });
});

describe("a template's problems in the reader's language", () => {
  it("are English outside a request, and in the scope's language inside one (a job run for a reader, a page's request)", () => {
    const problems = (input: TemplateInput) => checkTemplate(input).map((p) => p.message);
    const tooLong = sms("Здравей, " + "я".repeat(700));
    const fileTag = email("{% include 'footer' %}");
    expect(problems(tooLong)).toEqual([
      "SMS text: the SMS for the sample customer is 709 characters in UCS-2: 11 parts, more than the 10 allowed. Shorten the text.",
    ]);
    expect(inRequestScope(() => problems(tooLong), "bg")).toEqual([
      "Текст на SMS: за примерния клиент SMS-ът е 709 знака в UCS-2, т.е. 11 части – повече от допустимите 10. Съкратете текста.",
    ]);
    expect(inRequestScope(() => problems(fileTag), "uk")).toEqual([
      "HTML-версія, рядок 1: тег {% include %} недоступний — шаблони не читають файли, тож впишіть вміст безпосередньо в шаблон.",
    ]);
    expect(inRequestScope(() => problems({ channel: "email", subject: " ", htmlBody: "" }), "el")).toEqual([
      "Θέμα: ένα email χρειάζεται θέμα.",
      "Σώμα HTML: ένα email χρειάζεται σώμα HTML ή απλό κείμενο.",
    ]);
    // the engine tells a file tag apart by its error, not its words
    expect(problems(fileTag)).toEqual(["HTML body, line 1: {% include %} is not available: templates cannot read files: write the content into the template itself."]);
  });
});
