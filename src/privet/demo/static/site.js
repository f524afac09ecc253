// The footer's "Cookie settings" button opens privet's banner again, at the switches.
const settings = document.getElementById("cookie-settings");
if (settings && window.privet) settings.addEventListener("click", () => window.privet.show());
