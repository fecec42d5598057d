// Debian's Chromium driven by playwright-core (no browser is ever downloaded).
import { chromium } from "playwright-core";

export const chromiumPath = process.env.LOCALRAY_CHROMIUM ?? "/usr/bin/chromium";

// Every new window of new-headless Chromium (150+) also starts the omnibox popup WebUI, which
// loads some 300 chrome://resources modules in its own renderer while the first page of that window
// loads; on a small machine that doubles the first page-load time measured here. Chromium honours
// only the last --disable-features switch, so this one repeats Playwright's own list (playwright-core
// 1.65.1, pinned in package-lock.json) before adding the two WebUI popups.
const PLAYWRIGHT_DISABLED_FEATURES = [
  "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades", "HttpsFirstBalancedModeAutoEnable",
  "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
  "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
];
const DISABLED_FEATURES = [...PLAYWRIGHT_DISABLED_FEATURES, "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"];

export function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      `--disable-features=${DISABLED_FEATURES.join(",")}`,
    ],
  });
}

/**
 * A page that records what must never happen: a dialog (an injected alert), an uncaught page
 * error, a request to another origin. `problems` lists them; dialogs are dismissed.
 */
export async function watchedPage(context, origin) {
  const page = await context.newPage();
  const problems = [];
  page.on("dialog", async (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:") && u !== "about:blank") problems.push(`request outside the origin: ${u}`);
  });
  return { page, problems };
}

/** {nodeId: [x, y, transform]} of the map: the layout's position and where the node is drawn. */
export function mapPositions(page) {
  return page.$$eval("[data-testid=map-node]", (els) =>
    Object.fromEntries(
      els.map((e) => [e.getAttribute("data-node-id"), [Number(e.getAttribute("data-x")), Number(e.getAttribute("data-y")), e.getAttribute("transform")]]),
    ),
  );
}

/** Fresh navigation to `url` (never a same-document hash change); ms until `selector` is visible. */
export async function timedLoad(page, url, selector) {
  await page.goto("about:blank");
  const t0 = performance.now();
  await page.goto(url);
  await page.locator(selector).first().waitFor({ state: "visible", timeout: 20000 });
  return Math.round(performance.now() - t0);
}
