app_name = "duties-api"
urlpatterns = []
