import { MODES, type Route, type RouteMode } from '../types';

interface ModeSwitchProps {
  route: Route;
  canFlip: boolean;
  onPick: (mode: RouteMode) => void;
}

/** Why a mode cannot be picked for this route, or undefined when it can. */
export function modeBlockedReason(route: Route, mode: RouteMode, canFlip: boolean): string | undefined {
  if (!canFlip) return 'You need the routes.flip permission to change modes';
  if (mode !== 'legacy' && !route.servable) return `No hosted module serves ${route.key}, so only legacy is possible`;
  return undefined;
}

/** Segmented control of the four modes; picking one opens the reason dialog. */
export function ModeSwitch({ route, canFlip, onPick }: ModeSwitchProps) {
  return (
    <div className="segmented" role="group" aria-label={`Mode of ${route.key}`}>
      {MODES.map((mode) => {
        const blocked = modeBlockedReason(route, mode, canFlip);
        const active = route.mode === mode;
        return (
          <button
            key={mode}
            type="button"
            className={`seg seg-${mode} ${active ? 'seg-active' : ''}`}
            aria-pressed={active}
            disabled={!!blocked && !active}
            title={active ? `Currently ${mode}` : (blocked ?? `Switch to ${mode}…`)}
            data-testid={`flip-${mode}`}
            onClick={() => !active && !blocked && onPick(mode)}
          >
            {mode}
          </button>
        );
      })}
    </div>
  );
}
