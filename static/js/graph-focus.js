// The neighbourhood graph opens with its own concept in the middle of the scrollable box, not
// at the box's top-left corner, where the first prerequisites are. Without JavaScript the link
// from the concept page (…/graph/#current-node) has the browser bring the node into view.
(function () {
  function centre() {
    document.querySelectorAll(".graph-scroll").forEach(function (box) {
      var node = box.querySelector(".is-current rect");
      if (!node) return;
      var b = box.getBoundingClientRect();
      var n = node.getBoundingClientRect();
      box.scrollLeft += n.left + n.width / 2 - (b.left + box.clientWidth / 2);
      box.scrollTop += n.top + n.height / 2 - (b.top + box.clientHeight / 2);
      node.scrollIntoView({ block: "nearest", inline: "nearest" });
    });
  }
  if (document.readyState === "complete") centre();
  else window.addEventListener("load", centre);
})();
