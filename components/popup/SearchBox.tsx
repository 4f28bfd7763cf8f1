/** The filter box; `/` anywhere in the popup focuses it (wired by the popup), Escape clears it. */
import type { Ref } from 'preact';
import { t } from '../../lib/i18n';
import { SearchIcon } from './Icons';

export interface SearchBoxProps {
  value: string;
  onInput(value: string): void;
  inputRef?: Ref<HTMLInputElement>;
}

export function SearchBox({ value, onInput, inputRef }: SearchBoxProps) {
  return (
    <div class="search">
      <SearchIcon />
      <input
        ref={inputRef}
        type="search"
        class="search-input"
        value={value}
        placeholder={t('searchPlaceholder')}
        aria-label={t('searchLabel')}
        aria-keyshortcuts="/"
        autocomplete="off"
        spellcheck={false}
        onInput={(e) => onInput(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value) {
            e.preventDefault();
            onInput('');
          }
        }}
        data-testid="search"
      />
    </div>
  );
}
