import { useEffect, useRef, useState } from 'react';
import { serviceColor } from '../colors';
import { formatDuration } from '../format';
import type { SpanNode, TraceModel } from './model';

export const ROW_HEIGHT = 24;
const OVERSCAN = 12;

interface Props {
  model: TraceModel;
  rows: SpanNode[];
  collapsed: ReadonlySet<string>;
  selected: string | null;
  onSelect: (id: string) => void;
  onToggle: (id: string) => void;
  showCritical: boolean;
  /** Spans found by the trace's search box. */
  matches?: ReadonlySet<string>;
}

/**
 * The span rows, virtualised: only the rows in view (plus a margin) are in the DOM, so a trace of
 * 10,000 spans scrolls like one of 10.
 */
export function Waterfall({ model, rows, collapsed, selected, onSelect, onToggle, showCritical, matches }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight || 600));
    ro.observe(el);
    setHeight(el.clientHeight || 600);
    return () => ro.disconnect();
  }, []);

  // Keep the selected row in view when it is chosen from elsewhere (next error, keyboard).
  useEffect(() => {
    const el = scroller.current;
    if (!el || !selected) return;
    const i = rows.findIndex((r) => r.id === selected);
    if (i < 0) return;
    const top = i * ROW_HEIGHT;
    if (top < el.scrollTop || top + ROW_HEIGHT > el.scrollTop + el.clientHeight) {
      el.scrollTop = Math.max(0, top - el.clientHeight / 3);
    }
  }, [selected, rows]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const total = Math.max(1, model.duration);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const i = rows.findIndex((r) => r.id === selected);
    const cur = rows[i];
    let next = -1;
    if (e.key === 'ArrowDown' || e.key === 'j') next = Math.min(rows.length - 1, i + 1);
    else if (e.key === 'ArrowUp' || e.key === 'k') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = rows.length - 1;
    else if (e.key === 'PageDown') next = Math.min(rows.length - 1, i + Math.floor(height / ROW_HEIGHT));
    else if (e.key === 'PageUp') next = Math.max(0, i - Math.floor(height / ROW_HEIGHT));
    else if (cur && e.key === 'ArrowLeft') {
      if (cur.children.length && !collapsed.has(cur.id)) onToggle(cur.id);
      else if (cur.parent) onSelect(cur.parent.id);
    } else if (cur && e.key === 'ArrowRight' && collapsed.has(cur.id)) onToggle(cur.id);
    else if (cur && (e.key === 'Enter' || e.key === ' ') && cur.children.length) onToggle(cur.id);
    else return;
    e.preventDefault();
    if (next >= 0 && rows[next]) onSelect(rows[next].id);
  };

  return (
    <div
      className={`waterfall${showCritical ? ' critical-mode' : ''}`}
      ref={scroller}
      tabIndex={0}
      role="tree"
      aria-label="Spans (arrow keys move, left/right collapse and expand)"
      aria-activedescendant={selected ? `span-${selected}` : undefined}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      data-testid="waterfall"
    >
      <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
        {rows.slice(first, last).map((n, k) => {
          const i = first + k;
          const e = n.event;
          const left = (n.start / total) * 100;
          const width = Math.max(0.15, ((n.end - n.start) / total) * 100);
          const isCollapsed = collapsed.has(n.id);
          return (
            <div
              key={n.id}
              id={`span-${n.id}`}
              role="treeitem"
              aria-level={n.depth + 1}
              aria-selected={selected === n.id}
              aria-expanded={n.children.length ? !isCollapsed : undefined}
              className={`span-row${selected === n.id ? ' selected' : ''}${n.error ? ' error' : ''}${showCritical && n.critical ? ' critical' : ''}${matches?.has(n.id) ? ' match' : ''}`}
              style={{ top: i * ROW_HEIGHT, height: ROW_HEIGHT }}
              onClick={() => onSelect(n.id)}
            >
              <div className="span-label" style={{ paddingLeft: 4 + Math.min(n.depth, 40) * 12 }}>
                {n.children.length ? (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="toggle"
                    aria-label={isCollapsed ? `Expand (${n.descendants} spans)` : 'Collapse'}
                    onClick={(ev) => {
                      ev.stopPropagation();
                      onToggle(n.id);
                    }}
                  >
                    {isCollapsed ? '▸' : '▾'}
                  </button>
                ) : (
                  <span className="toggle" />
                )}
                <span className="swatch" style={{ background: serviceColor(e['service.name']) }} />
                {n.error && (
                  <span className="err-dot" aria-label="error" title={e.status_message || 'error'}>
                    !
                  </span>
                )}
                <span className="svc">{e['service.name']}</span> <span className="op">{e.name}</span>
                {isCollapsed && <span className="muted small"> +{n.descendants}</span>}
              </div>
              <div className="span-track">
                <div
                  className="span-bar"
                  style={{ left: `${left}%`, width: `${width}%`, background: serviceColor(e['service.name']) }}
                />
                <span className="span-dur" style={{ left: `min(${left + width}%, calc(100% - 70px))` }}>
                  {formatDuration(n.end - n.start)}
                </span>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
