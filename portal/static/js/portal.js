/* Runs on every admin page. The Content-Security-Policy runs no inline event
   handler, so what Flask-Admin's templates did inline is done here: a button
   with data-confirm asks before it submits, the action menu runs its action,
   an inline list's "Add" adds a row, and links to "javascript:void(0)" (menus
   opened by script) never navigate. */
(function () {
  document.addEventListener('click', function (event) {
    if (!event.target.closest) { return; }
    var asking = event.target.closest('[data-confirm]');
    if (asking && !window.confirm(asking.getAttribute('data-confirm'))) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    var action = event.target.closest('[data-action]');
    if (action && window.modelActions) { window.modelActions.execute(action.getAttribute('data-action')); }
    var adding = event.target.closest('[data-inline-add]');
    if (adding && window.faForm) { window.faForm.addInlineField(adding, adding.getAttribute('data-inline-add')); }
    if (event.target.closest('a[href^="javascript:"]')) { event.preventDefault(); }
  }, true);  // capture: before menu scripts that stop the click from bubbling
})();
