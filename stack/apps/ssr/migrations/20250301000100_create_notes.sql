-- Notes: private to their owner. user_id defaults to the caller, so a client
-- inserts { body } alone; deleting the user deletes their notes.

create table public.notes (
  id bigint generated always as identity primary key,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  body text not null,
  created_at timestamptz not null default now()
);

alter table public.notes enable row level security;

create policy "Users can view their own notes."
  on public.notes for select
  to authenticated
  using ((select auth.uid()) = user_id);

create policy "Users can insert their own notes."
  on public.notes for insert
  to authenticated
  with check ((select auth.uid()) = user_id);

create policy "Users can update their own notes."
  on public.notes for update
  to authenticated
  using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);

create policy "Users can delete their own notes."
  on public.notes for delete
  to authenticated
  using ((select auth.uid()) = user_id);
