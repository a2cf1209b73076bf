// Instructor console behaviour that htmx cannot express: printing the sign-in cards.
// Loaded only for instructors (layout.html). No inline script: buttons carry data-print.
document.addEventListener('click', (event) => {
  if (event.target.closest?.('[data-print]')) {
    event.preventDefault();
    window.print();
  }
});
