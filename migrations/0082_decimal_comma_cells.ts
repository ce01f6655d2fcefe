import { sql, type Kysely } from 'kysely';

/**
 * storage.to_decimal reads decimal commas and both thousands conventions (issue 14, ADR 0025),
 * the same rule as modules/storage/mapping/number-format.ts (a test holds them equal):
 * `1.234,56` and `1,234.56` are 1234.56; `12,5` and `0,075` are 12.5 and 0.075; `1,234` and `1.234.567` group thousands;
 * one dot is a decimal point. Spaces, apostrophes and currency signs are dropped, a trailing %
 * divides by 100 exactly. Cells that were numbers before read the same, except a lone comma
 * followed by other than three digits (`12,5`: was 125, now 12.5) and malformed groupings, now
 * refused (not_a_number) instead of read with the commas dropped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function storage.to_decimal(raw text) returns text language plpgsql immutable parallel safe as $fn$
    declare
      s text;
      pct boolean;
      c integer;
      d integer;
    begin
      if raw is null then return null; end if;
      s := regexp_replace(raw, '[[:space:]$€£¥'']', '', 'g');
      pct := right(s, 1) = '%';
      if pct then s := left(s, -1); end if;
      if length(s) > 60 then return null; end if;
      c := strpos(s, ',');
      d := strpos(s, '.');
      if c > 0 and d > 0 then
        if strpos(reverse(s), ',') < strpos(reverse(s), '.') then
          if s !~ '^[-+]?[0-9]{1,3}([.][0-9]{3})+,[0-9]*$' then return null; end if;
          s := replace(replace(s, '.', ''), ',', '.');
        else
          if s !~ '^[-+]?[0-9]{1,3}(,[0-9]{2,3})+[.][0-9]*$' then return null; end if;
          s := replace(s, ',', '');
        end if;
      elsif c > 0 then
        if s ~ '^[-+]?[0-9]*,[0-9]+$' and (s !~ ',[0-9]{3}$' or s ~ '^[-+]?0*,') then
          s := replace(s, ',', '.');
        elsif s ~ '^[-+]?[0-9]{1,3}(,[0-9]{2,3})+$' then
          s := replace(s, ',', '');
        else
          return null;
        end if;
      elsif d > 0 and s ~ '^[-+]?[0-9]{1,3}([.][0-9]{3}){2,}$' then
        s := replace(s, '.', '');
      end if;
      if s !~ '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)$' then return null; end if;
      return trim_scale(case when pct then s::numeric * 0.01 else s::numeric end)::text;
    end
    $fn$
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
