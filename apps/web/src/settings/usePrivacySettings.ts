import { toast } from '../app/toast.ts';
import { errorInfo } from '../lib/errors.ts';
import { trpc } from '../lib/trpc.ts';
import { revertPatch, type SettingsPatch } from './settings-patch.ts';

/**
 * My privacy settings: a change shows at once and is saved straight away; a refusal puts it
 * back and says why. My other devices hear of it through `settings.changed`.
 */
export function usePrivacySettings() {
  const utils = trpc.useUtils();
  const settings = trpc.users.settings.useQuery(undefined, { staleTime: 5 * 60_000 });
  const update = trpc.users.updateSettings.useMutation({
    async onMutate(patch) {
      await utils.users.settings.cancel();
      const before = utils.users.settings.getData();
      if (before) utils.users.settings.setData(undefined, { ...before, ...patch });
      return { before };
    },
    onError(error, patch, context) {
      const before = context?.before;
      if (before)
        utils.users.settings.setData(undefined, (current) =>
          current ? revertPatch(current, patch, before) : before,
        );
      toast(`Could not save your settings: ${errorInfo(error).message}`);
    },
    onSuccess(saved) {
      utils.users.settings.setData(undefined, saved);
    },
  });
  return {
    settings: settings.data,
    error: settings.error ? errorInfo(settings.error).message : null,
    change: (patch: SettingsPatch) => update.mutate(patch),
  };
}
