app_name = "cadres"
urlpatterns = []
