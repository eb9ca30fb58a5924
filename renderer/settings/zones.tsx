import { useMemo } from 'react';

/** Currencies a clinic is likely to use first; any ISO code is valid for the main process. */
export const currencies = ['EUR', 'GBP', 'USD', 'BRL', 'CHF', 'AOA', 'MZN', 'CVE'] as const;

export function defaultTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && zone !== 'UTC' && zone !== 'Etc/UTC' ? zone : 'Europe/Lisbon';
}

function allTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Europe/Lisbon', 'Atlantic/Madeira', 'Atlantic/Azores', 'Europe/London', 'UTC'];
  }
}

const portugal = ['Europe/Lisbon', 'Atlantic/Madeira', 'Atlantic/Azores'];

/** Every IANA zone the runtime knows, grouped by region, the Portuguese ones first. */
export function TimeZoneOptions({ current }: { current?: string }) {
  const groups = useMemo(() => {
    const zones = allTimeZones();
    if (current && !zones.includes(current)) zones.unshift(current);
    const byRegion = new Map<string, string[]>();
    for (const zone of zones) {
      if (portugal.includes(zone)) continue;
      const region = zone.includes('/') ? zone.split('/')[0]! : 'Other';
      byRegion.set(region, [...(byRegion.get(region) ?? []), zone]);
    }
    return [...byRegion.entries()];
  }, [current]);
  return (
    <>
      <optgroup label="Portugal">
        {portugal.map((zone) => (
          <option key={`pt-${zone}`} value={zone}>
            {zone.replace(/_/g, ' ')}
          </option>
        ))}
      </optgroup>
      {groups.map(([region, zones]) => (
        <optgroup key={region} label={region}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, ' ')}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}
