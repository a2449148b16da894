// Page behaviour declared by data attributes, so that no template needs an inline script or
// an on* handler: the Content-Security-Policy allows scripts from this site only
// (docs/security.md, "Deployment").
(function () {
  "use strict";

  // <select data-autosubmit>: a picker (year, level, state ...) submits its form when changed.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });

  // <select data-area-select data-keep="&year=2017">: drill into the chosen area, keeping the
  // page's other query parameters.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-area-select]") && el.value) {
      location.search = "?area=" + encodeURIComponent(el.value) + (el.dataset.keep || "");
    }
  });

  // <button data-confirm="...">: ask before an action that cannot be undone.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
  });

  // <form data-form-controls="input, textarea" data-form-controls-class="form-control">: the
  // fields Django renders bare get Bootstrap's classes.
  function styleFields(root) {
    root.querySelectorAll("[data-form-controls]").forEach(function (box) {
      var classes = (box.dataset.formControlsClass || "form-control").split(/\s+/);
      box.querySelectorAll(box.dataset.formControls).forEach(function (field) {
        field.classList.add.apply(field.classList, classes);
      });
    });
  }

  // <form data-geolocate>: the check-in carries the device's position when it has one.
  function geolocate(root) {
    root.querySelectorAll("form[data-geolocate]").forEach(function (form) {
      if (!navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(function (p) {
        form.querySelector("[name=lat]").value = p.coords.latitude.toFixed(6);
        form.querySelector("[name=lon]").value = p.coords.longitude.toFixed(6);
      });
    });
  }

  // <div data-closed-periods="json-script-id" data-period-of="#id_date" data-period="month|quarter">:
  // a date inside a closed period is taken only as a correction, so its reason field shows then.
  function periodKey(value, period) {
    if (!value) return "";
    if (period === "quarter") {
      return value.slice(0, 4) + "-Q" + (Math.floor((Number(value.slice(5, 7)) - 1) / 3) + 1);
    }
    return value.slice(0, 7);
  }
  function correctionFields(root) {
    root.querySelectorAll("[data-closed-periods]").forEach(function (box) {
      var closed = JSON.parse(document.getElementById(box.dataset.closedPeriods).textContent);
      var day = document.querySelector(box.dataset.periodOf);
      if (!day) return;
      var sync = function () {
        if (closed.indexOf(periodKey(day.value, box.dataset.period)) >= 0) box.hidden = false;
      };
      day.addEventListener("change", sync);
      sync();
    });
  }

  // <form data-per-capita-form data-members="4"> with inputs [data-income="+|-"] and
  // <output data-per-capita>: the net income per person while the user types (the server
  // computes the same figure on submit; a blank amount is 0, a malformed one shows "—").
  function perCapita(root) {
    root.querySelectorAll("form[data-per-capita-form]").forEach(function (form) {
      var out = form.querySelector("[data-per-capita]");
      var members = Number(form.dataset.members);
      var sync = function () {
        var total = 0;
        var bad = false;
        form.querySelectorAll("[data-income]").forEach(function (input) {
          var text = input.value.replace(/,/g, "").trim();
          if (text === "") return;
          if (!/^\d+(\.\d{1,2})?$/.test(text)) bad = true;
          total += (input.dataset.income === "-" ? -1 : 1) * Math.round(Number(text) * 100);
        });
        out.textContent = bad || !members ? "—" : (total / 100 / members).toFixed(2);
      };
      form.addEventListener("input", sync);
    });
  }

  styleFields(document);
  geolocate(document);
  correctionFields(document);
  perCapita(document);
})();
