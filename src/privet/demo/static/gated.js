// Stands in for a script the site runs only with consent (an analytics or advertising tag):
// privet.js runs it once the visitor grants its category, and it says so on the page.
(() => {
  const category = document.currentScript.dataset.demoCategory;
  const show = () => {
    const item = document.querySelector(`[data-demo-gated="${category}"]`);
    if (!item) return;
    item.querySelector(".off").hidden = true;
    item.querySelector(".on").hidden = false;
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
})();
