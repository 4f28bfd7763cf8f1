/**
 * Only a real user's click counts. The portal's own scripts share the DOM with the badge: anything they dispatch
 * (el.click(), dispatchEvent, synthetic keyboard events) arrives with isTrusted false and is ignored. Keyboard
 * activation of a focused button by the user produces a trusted click, so this costs no accessibility.
 */
export function trusted(fn: () => void): (e: Event) => void {
  return (e) => {
    if (!e.isTrusted) return;
    e.preventDefault();
    fn();
  };
}
