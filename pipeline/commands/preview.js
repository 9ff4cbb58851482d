// Live reload for `briefing preview`: reload the page when its HTML is rebuilt, and keep a
// link to the latest PDF, which is built after the HTML.
(() => {
  const bar = document.createElement("div");
  bar.style.cssText = "position:fixed;top:0;right:0;padding:4px 10px;font:12px sans-serif;" +
    "background:#ffff00;color:#000;z-index:1000";
  const link = document.createElement("a");
  link.href = "/pdf";
  link.target = "_blank";
  link.textContent = "latest PDF";
  const state = document.createElement("span");
  bar.append(link, " ", state);
  document.body.append(bar);
  const show = (pdf) => { state.textContent = pdf === "ready" ? "" : `(${pdf})`; };
  fetch("/state").then((response) => response.text()).then(show);
  const events = new EventSource("/events");
  events.addEventListener("page", () => location.reload());
  events.addEventListener("print", (event) => {
    show(event.data);
    link.href = `/pdf?${Date.now()}`;
  });
  events.addEventListener("failed", (event) => { state.textContent = event.data; });
})();
