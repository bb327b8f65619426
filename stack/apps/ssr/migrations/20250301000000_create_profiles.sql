-- Profiles as Supabase's user-management tutorial creates them: one row per
-- auth user, readable by everyone, filled by a trigger at sign-up.
-- The foreign key has no "on delete cascade", on purpose, as in that
-- tutorial: deleting a user who still has a profile fails until the profile
-- is deleted first.
-- No grants here, as in the spa's migration: Supabase's default privileges on
-- the public schema give anon and authenticated the table; RLS narrows it.

create table public.profiles (
  id uuid not null primary key references auth.users (id),
  username text unique,
  full_name text,
  avatar_url text,
  updated_at timestamptz
);

alter table public.profiles enable row level security;

create policy "Public profiles are viewable by everyone."
  on public.profiles for select
  using (true);

create policy "Users can insert their own profile."
  on public.profiles for insert
  with check ((select auth.uid()) = id);

create policy "Users can update own profile."
  on public.profiles for update
  using ((select auth.uid()) = id);

create function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, full_name)
  values (new.id, new.raw_user_meta_data ->> 'full_name');
  return new;
end;
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute procedure public.handle_new_user();
