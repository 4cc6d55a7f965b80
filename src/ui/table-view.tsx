import {Box, Text} from 'ink';
import {scrollStart} from './layout.js';
import {layoutTable, type Table, type Tone} from './tables.js';

const COLORS: Record<Tone, string | undefined> = {good: 'green', warn: 'yellow', bad: 'red', dim: undefined};

export interface TableViewProps {
  title: string;
  table: Table;
  /** Rows of the table to show (the header and title come on top). */
  height: number;
  selected: number;
  focused: boolean;
  error?: string;
  empty: string;
}

/** A titled table of at most 2 + height lines; the panel's error goes on its title line, the selection stays in view. */
export function TableView({title, table, height, selected, focused, error, empty}: TableViewProps) {
  const {header, lines} = layoutTable(table);
  const start = scrollStart(selected, lines.length, height);
  const shown = lines.slice(start, start + height);
  const range = lines.length > height ? ` ${start + 1}-${start + shown.length} of ${lines.length}` : lines.length ? ` (${lines.length})` : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold inverse={focused}>{` ${title} `}</Text>
        <Text dimColor>{range}</Text>
        {error ? <Text color="red">{`  ${error}`}</Text> : null}
      </Text>
      <Text dimColor wrap="truncate">
        {header}
      </Text>
      {shown.length === 0 ? (
        <Text dimColor wrap="truncate">
          {error ? '' : empty}
        </Text>
      ) : (
        shown.map((line, i) => {
          const row = table.rows[start + i]!;
          return (
            <Text key={row.key} wrap="truncate" inverse={focused && start + i === selected} color={row.tone ? COLORS[row.tone] : undefined} dimColor={row.tone === 'dim'}>
              {line}
            </Text>
          );
        })
      )}
    </Box>
  );
}
