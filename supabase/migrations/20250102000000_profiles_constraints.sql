-- Integrity the app relies on: one profile per email address, and display
-- names short enough for every page that shows them.
alter table public.profiles
  add constraint profiles_email_key unique (email),
  add constraint profiles_full_name_length check (char_length(full_name) <= 200);
