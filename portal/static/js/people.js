/* The totals page shows its figures first; the people reached, which reads
   every member record, arrive after: this fetches #people-panel from the
   page named by data-people-src and puts it in place. Without script, the
   link beside the slot opens that page. */
(function () {
  var slot = document.querySelector('[data-people-src]');
  if (!slot || !window.fetch) { return; }
  fetch(slot.getAttribute('data-people-src'), {credentials: 'same-origin'})
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    })
    .then(function (html) {
      var panel = new DOMParser().parseFromString(html, 'text/html').getElementById('people-panel');
      if (!panel) { throw new Error('no panel'); }
      slot.replaceChildren(panel);
    })
    .catch(function () {
      slot.textContent = 'Không tải được số người được tập hợp; hãy mở bằng liên kết bên dưới.';
    });
})();
