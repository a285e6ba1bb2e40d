import { fireEvent, render, screen } from '@testing-library/react';
import { useMemo, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { buildTrace, visibleRows, type TraceModel } from './model';
import { span } from '../test/fixtures';
import { ROW_HEIGHT, Waterfall } from './Waterfall';

function Harness({ model, initial }: { model: TraceModel; initial?: string }) {
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(initial ?? null);
  const rows = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  return (
    <Waterfall
      model={model}
      rows={rows}
      collapsed={collapsed}
      selected={selected}
      onSelect={setSelected}
      onToggle={(id) =>
        setCollapsed((c) => {
          const n = new Set(c);
          if (n.has(id)) n.delete(id);
          else n.add(id);
          return n;
        })
      }
      showCritical
    />
  );
}

const wide = (n: number) =>
  buildTrace([span('root', undefined, 0, n * 2), ...Array.from({ length: n - 1 }, (_, i) => span(`c${i}`, 'root', i, 5, { 'service.name': `svc${i % 7}` }))]);

describe('Waterfall', () => {
  it('puts only the rows in view in the DOM for a 10,000-span trace', () => {
    const model = wide(10_000);
    render(<Harness model={model} />);
    const tree = screen.getByRole('tree');
    expect((tree.firstChild as HTMLElement).style.height).toBe(`${10_000 * ROW_HEIGHT}px`);
    const rendered = screen.getAllByRole('treeitem').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    tree.scrollTop = 5000 * ROW_HEIGHT;
    fireEvent.scroll(tree);
    const ids = screen.getAllByRole('treeitem').map((r) => r.id);
    expect(ids).toContain('span-c4999');
    expect(ids).not.toContain('span-root');
  });

  it('collapses a subtree from its toggle and shows how many spans it hides', () => {
    const model = wide(50);
    render(<Harness model={model} />);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse' }));
    expect(screen.getAllByRole('treeitem')).toHaveLength(1);
    expect(screen.getByText('+49')).toBeTruthy();
  });

  it('moves the selection with the arrow keys and collapses with left', () => {
    const model = wide(5);
    render(<Harness model={model} initial="root" />);
    const tree = screen.getByRole('tree');
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    expect(tree.getAttribute('aria-activedescendant')).toBe('span-c0');
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    expect(tree.getAttribute('aria-activedescendant')).toBe('span-root');
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    expect(screen.getAllByRole('treeitem')).toHaveLength(1);
  });

  it('marks error spans so they stand out', () => {
    const model = buildTrace([span('r', undefined, 0, 10), span('bad', 'r', 1, 2, { error: true, status: 'error', status_message: 'boom' })]);
    render(<Harness model={model} />);
    expect(document.getElementById('span-bad')!.className).toContain('error');
    expect(screen.getByLabelText('error').getAttribute('title')).toBe('boom');
  });
});
