VACUUM orders;
