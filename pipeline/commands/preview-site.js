// Live reload for `briefing preview --site`: reload the page when the library is rebuilt;
// show a build error at the top of the page.
(() => {
  const events = new EventSource("/__briefing/events");
  events.addEventListener("page", () => location.reload());
  events.addEventListener("failed", (event) => {
    const bar = document.createElement("pre");
    bar.style.cssText = "position:fixed;top:0;left:0;right:0;margin:0;padding:4px 10px;" +
      "font:12px monospace;white-space:pre-wrap;background:#ffff00;color:#000;z-index:1000";
    bar.textContent = event.data;
    document.body.append(bar);
  });
})();
