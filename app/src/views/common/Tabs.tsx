/**
 * A WAI-ARIA tab list: arrow keys move between tabs (Left/Right, Home/End) and activate them;
 * only the selected tab is in the Tab order.
 */
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';

/** One tab: its id (also `tab-<id>` as test id) and label. */
export interface TabSpec {
  id: string;
  label: string;
}

/** Props of {@link Tabs}. */
export interface TabsProps {
  tabs: TabSpec[];
  selected: string;
  onSelect(id: string): void;
  label: string;
}

/** The tab buttons; panels use `panelId(id)` and `tabId(id)`. */
export function Tabs({ tabs, selected, onSelect, label }: TabsProps) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (e: KeyboardEvent, index: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onSelect(tabs[next].id);
    refs.current[tabs[next].id]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} class="tabs">
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          role="tab"
          id={tabId(t.id)}
          aria-selected={t.id === selected}
          aria-controls={panelId(t.id)}
          tabIndex={t.id === selected ? 0 : -1}
          data-testid={`tab-${t.id}`}
          class="tab"
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The element id of a tab button. */
export function tabId(id: string): string {
  return `tab-button-${id}`;
}

/** The element id of a tab panel. */
export function panelId(id: string): string {
  return `tab-panel-${id}`;
}

/** A tab panel labelled by its tab. */
export function TabPanel({ id, children }: { id: string; children: ComponentChildren }) {
  return (
    <section role="tabpanel" id={panelId(id)} aria-labelledby={tabId(id)} class="panel" tabIndex={-1}>
      {children}
    </section>
  );
}
