// On a phone the navigation bar is folded behind its toggler, bell included:
// the toggler carries the unread count too, so it shows without opening the menu.
(function () {
  var count = document.getElementById('unread-count');
  var toggler = document.querySelector('.navbar-toggler');
  if (!count || !toggler) { return; }
  var badge = document.createElement('span');
  badge.className = 'badge badge-pill badge-danger toggler-unread';
  badge.id = 'toggler-unread';
  badge.textContent = count.textContent;
  badge.setAttribute('aria-label', count.getAttribute('aria-label'));
  toggler.appendChild(badge);
}());
