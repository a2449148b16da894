app_name = "leaders"
urlpatterns = []
