// Browser test of the annals web UI: Debian's chromium driven by playwright-core.
//
// Needs a running `annals serve` over a store holding examples/articles and the markup fixture
// (crates/annals-serve/tests/fixtures/xss.txt); scripts/ui-test.sh sets that up. Environment:
//   ANNALS_URL   the server's base address (e.g. http://127.0.0.1:8080)
//   SCREENSHOT   where to save the screenshot of the happening view (PNG)
//   CHROMIUM     the browser binary (default /usr/bin/chromium)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.ANNALS_URL;
const screenshot = resolve(process.env.SCREENSHOT || "screenshots/happening.png");
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const XSS_TITLE = "Rally <script>alert(1)</script> in Lyon";

let browser;
let page;
const dialogs = [];
const pageErrors = [];
const consoleErrors = [];

before(async () => {
  assert.ok(base, "ANNALS_URL is not set");
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
  // Nothing but the server itself may be reached: the UI works with no network.
  await context.route("**/*", (route) =>
    route.request().url().startsWith(base) ? route.continue() : route.abort(),
  );
  page = await context.newPage();
  // A script from article text that ran would open a dialog (alert(1)).
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
});

after(async () => {
  if (browser) await browser.close();
});

async function ready() {
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
}

test("the page loads: stats, timeline, map, lists", async () => {
  const response = await page.goto(base + "/");
  assert.equal(response.status(), 200);
  const csp = response.headers()["content-security-policy"] || "";
  assert.match(csp, /script-src 'self'/);
  await ready();
  assert.match(await page.textContent("#stats"), /\d+ documents · \d+ events · \d+ happenings/);
  const countries = await page.locator("#map path.land").count();
  assert.ok(countries > 150, `map has ${countries} countries`);
  const happenings = await page.locator("#happenings li a").count();
  assert.ok(happenings > 0, "no happening listed");
  assert.ok((await page.locator("#timeline circle.dot").count()) > 0, "timeline is empty");
  assert.ok((await page.locator("#map circle.point").count()) > 0, "no happening on the map");
  assert.ok((await page.locator("#documents li a").count()) > 0, "no document listed");
});

test("a filter narrows the happenings", async () => {
  const options = await page.locator("select[name=event] option").allTextContents();
  assert.ok(options.includes("PROTEST"), `event types: ${options.join(", ")}`);
  const before = await page.textContent("#happening-count");
  await page.selectOption("select[name=event]", "PROTEST");
  await page.click("#apply");
  await page.waitForFunction(
    () => new URLSearchParams(location.search).get("event") === "PROTEST",
  );
  await page.waitForFunction((old) => document.getElementById("happening-count").textContent !== old, before);
  const types = await page.locator("#happenings .event-type").allTextContents();
  assert.ok(types.length > 0, "the filter left nothing");
  for (const t of types) assert.equal(t, "PROTEST");
});

test("dragging on the map filters by area", async () => {
  await page.click("#clear-filters");
  await page.waitForFunction(() => !new URLSearchParams(location.search).get("event"));
  await page.waitForFunction(() => document.querySelectorAll("#happenings li a").length > 0);
  const all = await page.textContent("#happening-count");
  // From 10°W 63°N to 20°E 40°N: western Europe (Lyon, Bergen; not Kharkiv, Tbilisi, Gaza, Doha).
  const box = await page.locator("#map").boundingBox();
  const at = (lon, lat) => [box.x + ((lon + 180) / 360) * box.width, box.y + ((90 - lat) / 180) * box.height];
  const [x0, y0] = at(-10, 63);
  const [x1, y1] = at(20, 40);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => new URLSearchParams(location.search).get("bbox"));
  const bbox = (await page.inputValue("input[name=bbox]")).split(",").map(Number);
  assert.equal(bbox.length, 4);
  assert.ok(Math.abs(bbox[0] + 10) < 1.5 && Math.abs(bbox[1] - 40) < 1.5, `bbox ${bbox}`);
  assert.ok(Math.abs(bbox[2] - 20) < 1.5 && Math.abs(bbox[3] - 63) < 1.5, `bbox ${bbox}`);
  await page.waitForFunction((old) => document.getElementById("happening-count").textContent !== old, all);
  const places = await page.locator("#happenings .meta").allTextContents();
  assert.ok(places.length > 0, "nothing in the box");
  for (const p of places) assert.doesNotMatch(p, /Tbilisi|Gaza|Kharkiv|Doha/, p);
  assert.ok((await page.locator("#map rect.selection").count()) === 1, "the box is not drawn");
  await page.fill("input[name=bbox]", "");
});

test("a happening opens with reports, evidence and the attribution chain", async () => {
  // The students' rally in Lyon, whose report sentence holds the markup.
  await page.fill("input[name=text]", "students");
  await page.selectOption("select[name=event]", "PROTEST");
  await page.click("#apply");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("text") === "students");
  await page.waitForFunction(() => document.querySelectorAll("#happenings li a").length === 1);
  await page.click("#happenings li a");
  await page.waitForSelector("#detail:not([hidden]) .report");
  assert.equal(await page.textContent("#detail-title .event-type"), "PROTEST");
  const sentence = await page.locator("#detail .report .sentence").first().textContent();
  assert.ok(sentence.includes("<script>alert(1)</script>"), `sentence: ${sentence}`);
  assert.ok((await page.locator("#detail .report .sentence mark.r-trigger").count()) > 0, "no trigger highlighted");
  assert.ok((await page.locator("#detail .report .sentence mark.r-place").count()) > 0, "no place highlighted");
  const chain = await page.locator("#detail .report .chain .link").allTextContents();
  assert.ok(chain.length >= 3, `chain: ${chain.join(" → ")}`);
  assert.ok(chain[0].startsWith("Example <b>Bold</b> Wire"), `outermost first: ${chain[0]}`);
  assert.ok((await page.locator("#detail .badges .badge").count()) > 0, "no corroboration badge");
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
});

test("markup from articles is shown as text and never runs", async () => {
  await page.click("#documents li a");
  await page.waitForFunction(
    (title) => document.getElementById("detail-title")?.textContent === title,
    XSS_TITLE,
  );
  const text = await page.textContent("#document-text");
  assert.ok(text.includes("<img src=x onerror=alert(1)>"), "the payload is not shown as text");
  assert.equal(await page.textContent("#documents li a .title"), XSS_TITLE);
  // No element came from the payloads: one script (app.js), no image, no bold from the outlet.
  assert.equal(await page.locator("script").count(), 1);
  assert.equal(await page.locator("img").count(), 0);
  assert.equal(await page.locator("b").count(), 0);
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, [], "a dialog opened: article script ran");
  assert.deepEqual(pageErrors, [], "the page threw");
  assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy/i.test(e)), [],
    "a CSP violation: something tried to load or run outside the policy");
});
