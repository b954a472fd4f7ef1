import { Dialog } from '../../ui/Dialog.tsx';
import { EmojiPicker } from '../emoji/EmojiPicker.tsx';

/** Any emoji as a reaction: the full picker (search, categories, skin tones) in a dialog. */
export function ReactionPickerDialog({
  onPick,
  onClose,
}: {
  onPick: (emoji: string) => void;
  onClose: () => void;
}) {
  return (
    <Dialog title="React with any emoji" onClose={onClose} testId="reaction-picker">
      <EmojiPicker onPick={onPick} />
    </Dialog>
  );
}
