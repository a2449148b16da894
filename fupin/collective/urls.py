app_name = "collective"
urlpatterns = []
