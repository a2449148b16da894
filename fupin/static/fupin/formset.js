// A Django formset whose rows are added and removed in the page (the identification form's
// members). Without this script the page still works: it shows blank rows, its 添加成员 button
// posts the form back for one more, and a row's 删除 box removes it on submit.
(function () {
  "use strict";

  function renumber(box) {
    var shown = box.querySelectorAll("[data-formset-row]:not([hidden]) [data-formset-number]");
    shown.forEach(function (el, i) { el.textContent = String(i + 1); });
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest ? event.target.closest("[data-formset-add]") : null;
    if (!add) return;
    var prefix = add.dataset.formsetAdd;
    var box = document.querySelector('[data-formset="' + prefix + '"]');
    var empty = document.getElementById("member-empty");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (!box || !empty || !total) return; // let the button post the form back
    event.preventDefault();
    var index = parseInt(total.value, 10) || 0;
    var html = empty.innerHTML.replace(/__prefix__/g, String(index));
    box.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    renumber(box);
    var first = box.lastElementChild.querySelector("input, select");
    if (first) first.focus();
  });

  // Ticking a row's 删除 box hides the row (its data is sent, marked deleted).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches('[data-formset-row] input[name$="-DELETE"]') || !el.checked) return;
    var row = el.closest("[data-formset-row]");
    row.hidden = true;
    renumber(row.parentElement);
  });
})();
