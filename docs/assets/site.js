// Two small additions to the theme, no dependency.

// 1. Search: drop words of one or two letters ("A", "of", "4") from what is sent to the search
//    worker. Material appends a wildcard to every word, so "A" matched every word starting with
//    "a", ranked unrelated pages, and was highlighted all over the page a result opened.
(function () {
  const post = Worker.prototype.postMessage;
  const separator = /[\s\-,:!=\[\]()"`/]+|\.(?!\d)/;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === 2 && typeof message.data === "string") {  // 2: a query
      const words = message.data.split(separator).filter(word => word.replace(/[^\w]/g, "").length > 2);
      message = { ...message, data: words.join(" ") };
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

// 3. The search overlay is a dialog: give it a name for screen readers.
document.querySelector(".md-search")?.setAttribute("aria-label", "Search");
