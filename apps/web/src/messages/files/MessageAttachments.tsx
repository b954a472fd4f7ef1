import {
  isImage,
  type Attachment,
  type FileAttachment,
  type VoiceAttachment,
} from '../../lib/media.ts';
import { MessageImages } from '../MessageImages.tsx';
import { VoicePlayer } from '../voice/VoicePlayer.tsx';
import { FileCard } from './FileCard.tsx';

/** What a message carries, by kind: its images as a grid, then its voice notes and files. */
export function MessageAttachments({
  attachments,
  senderName,
  mine,
}: {
  attachments: readonly Attachment[];
  senderName: string;
  mine: boolean;
}) {
  const images = attachments.filter(isImage);
  const voices = attachments.filter((a): a is VoiceAttachment => a.kind === 'voice');
  const files = attachments.filter((a): a is FileAttachment => a.kind === 'file');
  return (
    <div className="flex flex-col gap-1">
      {images.length > 0 ? <MessageImages attachments={images} senderName={senderName} /> : null}
      {voices.map((voice) => (
        <VoicePlayer key={voice.id} voice={voice} mine={mine} />
      ))}
      {files.map((file) => (
        <FileCard key={file.id} file={file} mine={mine} />
      ))}
    </div>
  );
}
