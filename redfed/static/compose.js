// The compose form's photos with script (templates/compose.html works without it): chosen files
// show at once as thumbnails with their own description, and every photo can be moved earlier or
// later, removed, or made the cover. The server reads the order from the position fields, and
// puts the cover (if one is chosen; otherwise the first) first.

const form = document.querySelector(".compose-form");
const list = form?.querySelector("[data-photo-list]");
const picker = form?.querySelector("#photos");
const template = document.querySelector("#compose-photo-template");

function renumber() {
  [...list.children].forEach((item, index) => {
    item.querySelector('input[name^="pos_"]').value = index + 1;
  });
}

function newItem(file, index, description) {
  const item = template.content.firstElementChild.cloneNode(true);
  const key = `n${index}`;
  const text = item.querySelector("textarea");
  item.querySelector("label[for]").htmlFor = text.id = text.name = `alt_${key}`;
  text.value = description;
  item.querySelector('input[name^="pos_"]').name = `pos_${key}`;
  item.querySelector('input[name="cover"]').value = key;
  item.querySelector(".compose-thumb").src = URL.createObjectURL(file);
  item.file = file;
  return item;
}

function showChosen() {
  // Descriptions already typed stay with their file when the list is drawn again.
  const typed = new Map([...list.querySelectorAll("[data-new]")].map((item) => [item.file, item.querySelector("textarea").value]));
  list.querySelectorAll("[data-new]").forEach((item) => item.remove());
  [...picker.files].forEach((file, index) => {
    list.append(newItem(file, index, typed.get(file) ?? ""));
  });
  renumber();
}

function removeNew(item) {
  const kept = new DataTransfer();
  [...picker.files].filter((file) => file !== item.file).forEach((file) => kept.items.add(file));
  picker.files = kept.files;
  showChosen();
}

function move(item, step) {
  const other = step < 0 ? item.previousElementSibling : item.nextElementSibling;
  if (!other) return;
  other.insertAdjacentElement(step < 0 ? "beforebegin" : "afterend", item);
  renumber();
  item.querySelector(`[data-move="${step}"]`).focus();
}

if (form && list && picker && template) {
  document.documentElement.classList.add("js");
  // Thumbnails show at once, so the form's "add first" step goes (it would also be the button
  // that Enter in a field presses).
  form.querySelector(".compose-add")?.remove();
  picker.addEventListener("change", showChosen);
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const item = button?.closest(".compose-photo");
    if (!item) return;
    if (button.dataset.remove !== undefined) removeNew(item);
    else if (button.dataset.move) move(item, Number(button.dataset.move));
  });
}
