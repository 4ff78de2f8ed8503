// Send Django's CSRF token with every htmx request, and confirm destructive actions.
document.addEventListener("htmx:configRequest", function (event) {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
});
document.addEventListener("submit", function (event) {
  // The button that submitted may carry the question (data-confirm), or the form.
  const source = event.submitter && event.submitter.hasAttribute("data-confirm")
    ? event.submitter : event.target;
  const message = source.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
