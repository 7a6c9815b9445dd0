// The look of the dashboard's form fields and small buttons, in one place.
export const inputClass = "focus-ring rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900";
export const smallButtonClass =
  "focus-ring rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";
