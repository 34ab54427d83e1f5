/* Show a form field only when another field has a given value (progressive enhancement:
   without JavaScript every field is shown, with a hint saying when to fill it in; the server
   validates and discards hidden answers either way). */
(function () {
  "use strict";

  function currentValues(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          values.push(input.type === "checkbox" && input.value === "on" ? "true" : input.value);
        }
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update(form) {
    form.querySelectorAll("[data-show-if-field]").forEach(function (wrapper) {
      var values = currentValues(form, wrapper.dataset.showIfField);
      wrapper.hidden = values.indexOf(wrapper.dataset.showIfValue) === -1;
    });
  }

  document.querySelectorAll("form[data-conditional-fields]").forEach(function (form) {
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
