import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';

export interface VirtualColumn<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Right-aligned (numbers, money). */
  numeric?: boolean;
  width?: number;
  /** The server can sort by this column. */
  sortable?: boolean;
}

export interface SortState {
  id: string;
  desc: boolean;
}

interface Slot<T> {
  index: number;
  row: T | undefined;
}

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Slot<unknown>>();

/**
 * A table of `total` rows of which only the visible ones are rendered (TanStack Virtual) and only
 * the visible pages are loaded (`rowAt` undefined: still loading). TanStack Table renders the
 * window's cells from the column definitions; sorting is the server's (`onSort`).
 */
export function VirtualTable<T>({
  columns,
  total,
  rowAt,
  onRange,
  sort,
  onSort,
  rowHeight = 34,
  height = 520,
  label,
}: {
  columns: VirtualColumn<T>[];
  total: number;
  rowAt: (i: number) => T | undefined;
  onRange: (start: number, end: number) => void;
  sort?: SortState;
  onSort?: (s: SortState) => void;
  rowHeight?: number;
  height?: number;
  label: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const start = items[0]?.index ?? 0;
  const end = items.at(-1)?.index ?? 0;
  useEffect(() => onRange(start, end), [start, end, onRange]);

  const tableColumns = useMemo(
    () => columns.map((c) => helper.display({ id: c.id, header: () => c.header, cell: ({ row }) => (row.original.row === undefined ? <span className="muted">…</span> : c.cell(row.original.row as T)) })),
    [columns],
  );
  const data = useMemo(() => items.map((v) => ({ index: v.index, row: rowAt(v.index) }) as Slot<unknown>), [items, rowAt]);
  const table = useTable({ features, columns: tableColumns, data, getRowId: (s) => String(s.index) });
  const byId = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  const template = columns.map((c) => (c.width ? `${c.width}px` : 'minmax(110px, 1fr)')).join(' ');

  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={total + 1}>
      <div className="vtable-head" role="rowgroup">
        {table.getHeaderGroups().map((group) => (
          <div key={group.id} className="vtable-row" role="row" style={{ gridTemplateColumns: template }}>
            {group.headers.map((header) => {
              const col = byId.get(header.column.id)!;
              const active = sort?.id === col.id;
              return (
                <div key={header.id} role="columnheader" className={`vtable-th ${col.numeric ? 'num' : ''}`} aria-sort={active ? (sort!.desc ? 'descending' : 'ascending') : undefined}>
                  {col.sortable && onSort ? (
                    <button type="button" className="vtable-sort" onClick={() => onSort({ id: col.id, desc: active ? !sort!.desc : false })}>
                      <table.FlexRender header={header} />
                      <span aria-hidden>{active ? (sort!.desc ? ' ▾' : ' ▴') : ''}</span>
                    </button>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div ref={scrollRef} className="vtable-body" style={{ height: Math.min(height, Math.max(rowHeight * 3, total * rowHeight + 2)) }} role="rowgroup">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {table.getRowModel().rows.map((row, i) => {
            const item = items[i]!;
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 2}
                className="vtable-row"
                style={{ gridTemplateColumns: template, position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {row.getAllCells().map((cell) => (
                  <div key={cell.id} role="cell" className={`vtable-td ${byId.get(cell.column.id)?.numeric ? 'num' : ''}`}>
                    <table.FlexRender cell={cell} />
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
