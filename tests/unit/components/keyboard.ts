/**
 * happy-dom does not give native buttons their keyboard activation behaviour, so this does what a browser does
 * (HTML activation behaviour): Enter on keydown and Space on keyup click a button, unless a handler prevented it.
 * A component that swallows Enter or replaces a <button> with a <div> fails tests that use it.
 */
import { act, fireEvent } from '@testing-library/preact';

export function press(element: HTMLElement, key: 'Enter' | ' '): void {
  element.focus();
  const isButton = element instanceof HTMLButtonElement && !element.disabled;
  const down = fireEvent.keyDown(element, { key });
  if (isButton && key === 'Enter' && down) void act(() => element.click());
  const up = fireEvent.keyUp(element, { key });
  if (isButton && key === ' ' && down && up) void act(() => element.click());
}
