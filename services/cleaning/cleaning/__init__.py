DEPARTMENT = "cleaning"  # the department of the tasks this service makes
