import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    // Accordion panels open at once. Animated, a panel grew for 200 ms with overflow hidden, and
    // whatever was clicked or focused in it meanwhile moved: a browser scrolls the clipped panel
    // to show the button, then the growing panel slides its content down, so a "Restore" pressed
    // during the animation was released 16 px above itself and never clicked (the e2e's flaky
    // restore step).
    Accordion: { defaultProps: { transitionDuration: 0 } },
  },
});
