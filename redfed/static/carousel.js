// Carousels moved in place (templates/_carousel.html works without this): the links to a photo
// scroll the strip instead of jumping the page, the arrow keys step through it, and the dots
// follow the photo in view. Swiping is the browser's own scrolling, snapped to each photo.

function setUp(carousel) {
  const track = carousel.querySelector(".carousel-track");
  const slides = [...track.children];
  const dots = [...carousel.querySelectorAll(".carousel-dots a")];
  const shown = () => Math.round(track.scrollLeft / track.clientWidth);
  const show = (index) => {
    const target = Math.max(0, Math.min(slides.length - 1, index));
    track.scrollTo({ left: target * track.clientWidth });
    return target;
  };

  carousel.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#photo-"]');
    if (!link) return;
    event.preventDefault();
    const target = show(Number(link.hash.slice("#photo-".length)) - 1);
    if (link.classList.contains("carousel-step")) {
      // Keep the keyboard on a step control of the photo now shown, not one scrolled away.
      const same = link.classList.contains("carousel-next") ? ".carousel-next" : ".carousel-prev";
      const next = slides[target].querySelector(same) || slides[target].querySelector(".carousel-step");
      next?.focus({ preventScroll: true });
    }
  });

  track.addEventListener("keydown", (event) => {
    const steps = { ArrowLeft: -1, ArrowRight: 1 };
    if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      show(event.key === "Home" ? 0 : slides.length - 1);
    } else if (event.key in steps) {
      event.preventDefault();
      show(shown() + steps[event.key]);
    }
  });

  let pending = false;
  track.addEventListener("scroll", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const index = shown();
      dots.forEach((dot, n) => (n === index ? dot.setAttribute("aria-current", "true") : dot.removeAttribute("aria-current")));
    });
  });
}

document.querySelectorAll("[data-carousel]").forEach(setUp);
