/** Something is on its way. */
export function Spinner() {
  return (
    <div className="flex flex-1 items-center justify-center p-8" role="status" aria-label="Loading">
      <span className="size-6 animate-spin rounded-full border-2 border-indigo-500 border-t-transparent" />
    </div>
  );
}
