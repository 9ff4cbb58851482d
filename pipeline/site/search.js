// The library's search page: the query (`?q=`) against Pagefind's index of the pages in this
// page's language, loaded in the browser. Results are built as DOM nodes: an excerpt keeps
// only its text and Pagefind's <mark> highlights.
const form = document.querySelector("form[data-pagefind]");
const input = form.querySelector("input[type=search]");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const pagefind = await import(new URL(form.dataset.pagefind, document.baseURI).href);
await pagefind.options({ baseUrl: form.dataset.base });

function excerpt(html) {
  const paragraph = document.createElement("p");
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

// "3 documents" in the page's language: the label's form for the number's CLDR plural category.
function count(number) {
  const lang = document.documentElement.lang;
  const forms = JSON.parse(form.dataset.count);
  const text = forms[new Intl.PluralRules(lang).select(number)] || forms.other;
  return text.replace("{count}", number.toLocaleString(lang));
}

async function show(query) {
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  const search = await pagefind.search(query);
  const results = await Promise.all(search.results.slice(0, 50).map((result) => result.data()));
  for (const result of results) {
    const item = document.createElement("li");
    item.className = "document";
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    heading.append(link);
    item.append(heading, excerpt(result.excerpt));
    list.append(item);
  }
  status.textContent = results.length ? count(search.results.length) : form.dataset.none;
}

const query = new URLSearchParams(location.search).get("q") || "";
input.value = query;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  history.replaceState(null, "", `?q=${encodeURIComponent(input.value)}`);
  show(input.value);
});
await show(query);
form.dataset.ready = "true";
