// Small additions to the theme, no dependency.

// 1. Search: drop words of one or two letters ("A", "of", "4") and the stop words the index
//    leaves out ("the", "has", "should") from what is sent to the search worker. Material appends
//    a wildcard to every word, so "A" matched every word starting with "a" and "the" matched
//    "then" and "these": they ranked unrelated pages, and "A" was highlighted all over the page
//    a result opened.
(function () {
  const post = Worker.prototype.postMessage;
  const separator = /[\s\-,:!=\[\]()"`/]+|\.(?!\d)/;
  const stop = new Set((  // lunr's English stop words of three letters or more
    "able about across after all almost also among and any are because been but can cannot could dear did " +
    "does either else ever every for from get got had has have her hers him his how however into its just " +
    "least let like likely may might most must neither nor not off often only other our own rather said " +
    "say says she should since some than that the their them then there these they this tis too twas " +
    "wants was were what when where which while who whom why will with would yet you your").split(" "));
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === 2 && typeof message.data === "string") {  // 2: a query
      const words = message.data.split(separator)
        .map(word => word.replace(/^[^\w<]+|[^\w>]+$/g, ""))  // quotes around 'names'
        .filter(word => word.replace(/[^\w]/g, "").length > 2 && !stop.has(word.toLowerCase()));
      // Material appends a wildcard to every word, and lunr does not stem a word that has one:
      // "models*" never matched the indexed "model", nor "nested*" "nest". A boost ("^1") keeps
      // the wildcard off, so the word is stemmed like the index; the last word, maybe still being
      // typed, is also sent as it is, to match as a prefix.
      const terms = words.map(word => `${word}^1`);
      if (words.length) terms.push(words[words.length - 1]);
      if (words.length) message = { ...message, data: terms.join(" ") };
    }
    return post.call(this, message, ...rest);
  };
})();

// 2. Diagrams: a click opens the picture at its own size in a full-screen view that scrolls;
//    Escape, the button or a click on the picture closes it.
document.addEventListener("click", event => {
  const link = event.target.closest(".nb-figure a");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const dialog = document.createElement("dialog");
  dialog.className = "nb-lightbox";
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Close";
  const picture = document.createElement("img");
  picture.src = link.href;
  picture.alt = link.querySelector("img")?.alt || "";
  dialog.append(close, picture);
  document.body.append(dialog);
  dialog.addEventListener("close", () => dialog.remove());
  close.addEventListener("click", () => dialog.close());
  picture.addEventListener("click", () => dialog.close());
  dialog.showModal();
  close.focus();
});

// 3. A diagram wider than its frame starts centred, where its graph starts, not at its left edge.
for (const frame of document.querySelectorAll(".nb-figure")) {
  const centre = () => { frame.scrollLeft = (frame.scrollWidth - frame.clientWidth) / 2; };
  const picture = frame.querySelector("img");
  if (picture?.complete) centre(); else picture?.addEventListener("load", centre);
}

// 4. Tables of four or more columns become one card per row on a phone (site.css): each cell
//    carries its column's name.
for (const table of document.querySelectorAll(".md-typeset table:not([class])")) {
  const names = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
  if (names.length < 4 || table.closest(".compact-table")) continue;
  table.dataset.stack = "";
  for (const row of table.querySelectorAll("tbody tr"))
    [...row.cells].forEach((cell, index) => { cell.dataset.label = names[index] || ""; });
}

// 5. The search overlay is a dialog: give it a name for screen readers.
document.querySelector(".md-search")?.setAttribute("aria-label", "Search");
