/* Registers the service worker (assets/sw.js, served at /sw.js, scope /) on every page. */
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  });
}
