app_name = "duties"
urlpatterns = []
