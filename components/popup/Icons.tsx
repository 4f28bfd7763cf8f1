/** Inline icons (no icon font, nothing fetched): decorative, so hidden from assistive technology. */
import type { JSX } from 'preact';

function Svg({ children, class: cls }: { children: JSX.Element | JSX.Element[]; class?: string }) {
  return (
    <svg
      class={cls}
      width="16"
      height="16"
      viewBox="0 0 16 16"
      fill="currentColor"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const RefreshIcon = ({ class: cls }: { class?: string }) => (
  <Svg class={cls}>
    <path d="M8 2.5a5.5 5.5 0 0 1 4.6 2.5H10.5a.5.5 0 0 0 0 1h3a.5.5 0 0 0 .5-.5v-3a.5.5 0 0 0-1 0v1.6A6.5 6.5 0 1 0 14.5 8a.5.5 0 0 0-1 0A5.5 5.5 0 1 1 8 2.5Z" />
  </Svg>
);

export const MoreIcon = () => (
  <Svg>
    <circle cx="3" cy="8" r="1.25" />
    <circle cx="8" cy="8" r="1.25" />
    <circle cx="13" cy="8" r="1.25" />
  </Svg>
);

export const StarIcon = ({ filled }: { filled: boolean }) => (
  <Svg>
    <path
      d="M8 1.8l1.8 3.7 4 .6-2.9 2.8.7 4-3.6-1.9-3.6 1.9.7-4L2.2 6.1l4-.6L8 1.8Z"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      stroke-width="1.1"
      stroke-linejoin="round"
    />
  </Svg>
);

export const SearchIcon = () => (
  <Svg>
    <path d="M6.5 2a4.5 4.5 0 0 1 3.6 7.2l3.7 3.7a.5.5 0 0 1-.7.7L9.4 9.9A4.5 4.5 0 1 1 6.5 2Zm0 1a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7Z" />
  </Svg>
);

export const WarningIcon = () => (
  <Svg>
    <path d="M7.1 2.5a1 1 0 0 1 1.8 0l5.5 10a1 1 0 0 1-.9 1.5H2.5a1 1 0 0 1-.9-1.5l5.5-10ZM8 5.5a.6.6 0 0 0-.6.6v3.3a.6.6 0 0 0 1.2 0V6.1a.6.6 0 0 0-.6-.6Zm0 5.4a.7.7 0 1 0 0 1.4.7.7 0 0 0 0-1.4Z" />
  </Svg>
);

export const ChevronIcon = () => (
  <Svg>
    <path d="M3.6 5.65a.5.5 0 0 1 .7-.05L8 8.84l3.7-3.24a.5.5 0 1 1 .66.75l-4.03 3.53a.5.5 0 0 1-.66 0L3.64 6.35a.5.5 0 0 1-.05-.7Z" />
  </Svg>
);
