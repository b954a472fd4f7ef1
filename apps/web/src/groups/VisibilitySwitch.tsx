import { Switch } from '../ui/Switch.tsx';

/** Public (found by browsing and joined by anyone) or private (by invitation only). */
export function VisibilitySwitch({
  isPublic,
  onChange,
  disabled,
}: {
  isPublic: boolean;
  onChange: (isPublic: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <Switch
      label="Public group"
      hint={
        isPublic
          ? 'Anyone can find it in Browse and join.'
          : 'Only people added by an admin can join.'
      }
      checked={isPublic}
      onChange={onChange}
      disabled={disabled}
      testId="public-switch"
    />
  );
}
